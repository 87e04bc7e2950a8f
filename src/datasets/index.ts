export type { ChatMessage, DatasetKind, Pair, SourceLocation } from './pair.js';
export { InputError, type InputErrorCode, type InputErrorInit, type LocationUnit, type RecordLocation } from './input-error.js';
export { DATASET_FORMATS, fileSha256, folderSha256, openDataset, type Dataset, type DatasetFormat, type DatasetOptions } from './open-dataset.js';
export { DEFAULT_FIELDS, fieldNames, recordToPair, type FieldNames, type FieldOptions, type PairMapping } from './field-mapping.js';
export type { RawRecord, RecordItem } from './raw-record.js';
export { readJsonlRecords } from './jsonl-reader.js';
export { readJsonArrayRecords } from './json-reader.js';
export { readDelimitedRecords } from './delimited-reader.js';
export {
  isRmBenchFileName,
  listRmBenchFiles,
  readRmBench,
  RM_BENCH_DOMAINS,
  RM_BENCH_TOTAL_FILE,
  rmBenchCoverage,
  rmBenchDomainsPresent,
  rmBenchFileDomain,
  rmBenchRecordToPair,
  rmBenchSection,
  type RmBenchCoverage,
  type RmBenchDomain,
  type RmBenchSection,
} from './rm-bench.js';
export {
  isMultifacetedBenchRecord,
  isMultifacetedPairRecord,
  MULTIFACETED_GROUP_FIELDS,
  multifacetedBenchPairs,
  multifacetedMapping,
  REFERENCE_ANSWER_FIELD,
} from './multifaceted.js';
