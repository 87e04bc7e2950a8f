/**
 * transformers.js's file naming for each ONNX `dtype` (its DEFAULT_DTYPE_SUFFIX_MAPPING, limited to the dtypes
 * endorm supports), so Hub repos exported for transformers.js and local folders laid out the same way both work.
 */
export const ONNX_DTYPE_SUFFIX = Object.freeze({
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const);

export type OnnxDtype = keyof typeof ONNX_DTYPE_SUFFIX;

export const ONNX_DTYPES = Object.freeze(Object.keys(ONNX_DTYPE_SUFFIX) as OnnxDtype[]);

export function isOnnxDtype(value: string): value is OnnxDtype {
  return Object.prototype.hasOwnProperty.call(ONNX_DTYPE_SUFFIX, value);
}

/** "model_q4.onnx" for q4; `baseName` is transformers.js's `model_file_name`. */
export function onnxModelFileName(dtype: OnnxDtype, baseName = 'model'): string {
  return `${baseName}${ONNX_DTYPE_SUFFIX[dtype]}.onnx`;
}

/**
 * Name of external-data chunk `index` beside an ONNX file, as transformers.js names them:
 * "model.onnx_data", then "model.onnx_data_1", "model.onnx_data_2", ...
 */
export function externalDataFileName(onnxFileName: string, index: number): string {
  return `${onnxFileName}_data${index === 0 ? '' : `_${index}`}`;
}

/** transformers.js's own cap on external-data chunks; also bounds the probe loop. */
export const MAX_EXTERNAL_DATA_CHUNKS = 100;
