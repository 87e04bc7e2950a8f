import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracyColor, textColorOn } from './palette.js';
import { barChartSvg } from './svg-bar-chart.js';
import { heatmapSvg, missingHeatmapSvg } from './svg-heatmap.js';

test('bar chart: one bar per value, whiskers for intervals, a note for missing categories', () => {
  const svg = barChartSvg({
    title: 't',
    series: [
      { name: 'a', color: '#111' },
      { name: 'b', color: '#222' },
    ],
    categories: [
      { label: 'Overall', values: [{ value: 0.7, ci: [0.6, 0.8] }, { value: 0.5 }] },
      { label: '<x>', values: [null, { value: 1 }] },
      { label: 'math', values: [null, null], missing: 'missing from this dataset' },
    ],
  });
  assert.equal((svg.match(/<rect /g) ?? []).length, 3);
  assert.equal((svg.match(/<path /g) ?? []).length, 1);
  assert.match(svg, /70\.0%/);
  assert.match(svg, /no data/);
  assert.match(svg, /missing from this dataset/);
  assert.match(svg, /&#60;x&#62;/);
});

test('heat map: nine cells with their percentages; placeholder for a missing domain', () => {
  const svg = heatmapSvg({
    title: 'chat',
    matrix: [
      [0.5, 1, 0],
      [0.25, 0.75, 1],
      [1, 1, 1],
    ],
    rowLabels: ['concise', 'detailed', 'markdown'],
    columnLabels: ['concise', 'detailed', 'markdown'],
    rowAxis: 'chosen',
    columnAxis: 'rejected',
  });
  assert.equal((svg.match(/class="hm-cell"/g) ?? []).length, 9);
  for (const text of ['>50.0<', '>100.0<', '>0.0<', '>25.0<', '>75.0<']) assert.ok(svg.includes(text), text);
  assert.match(missingHeatmapSvg('math', 'missing from this dataset'), /missing from this dataset/);
});

test('colour scale is diverging around chance', () => {
  assert.equal(accuracyColor(0.5), 'rgb(246,246,246)');
  assert.equal(accuracyColor(1), 'rgb(37,99,168)');
  assert.equal(accuracyColor(0), 'rgb(202,62,54)');
  assert.equal(textColorOn(0.5), '#1d2330');
  assert.equal(textColorOn(1), '#ffffff');
});
