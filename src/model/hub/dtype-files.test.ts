import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ONNX_DTYPE_SUFFIX, externalDataFileName, isOnnxDtype, onnxModelFileName } from './dtype-files.js';

describe('dtype files', () => {
  it('follows transformers.js naming', () => {
    assert.deepEqual(
      { ...ONNX_DTYPE_SUFFIX },
      { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' },
    );
    assert.equal(onnxModelFileName('fp32'), 'model.onnx');
    assert.equal(onnxModelFileName('q8'), 'model_quantized.onnx');
    assert.equal(onnxModelFileName('q4f16', 'decoder_model_merged'), 'decoder_model_merged_q4f16.onnx');
    assert.equal(externalDataFileName('model_fp16.onnx', 0), 'model_fp16.onnx_data');
    assert.equal(externalDataFileName('model_fp16.onnx', 2), 'model_fp16.onnx_data_2');
  });

  it('recognises only the supported dtypes', () => {
    assert.ok(isOnnxDtype('q4'));
    assert.ok(!isOnnxDtype('q2'));
    assert.ok(!isOnnxDtype('toString'));
  });
});
