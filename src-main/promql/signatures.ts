import type { ValueType } from './ast';

/** FunctionSignature is what the type checker knows of a PromQL function. */
export interface FunctionSignature {
  args: ValueType[];
  /** variadic: 0 = fixed; -1 = last arg repeats any number of times; n > 0 = up to n optional trailing args. */
  variadic: number;
  returns: ValueType;
}

const v = (args: ValueType[], returns: ValueType = 'vector', variadic = 0): FunctionSignature => ({
  args,
  variadic,
  returns,
});

const SIMPLE = [
  'abs',
  'ceil',
  'floor',
  'exp',
  'ln',
  'log2',
  'log10',
  'sqrt',
  'sgn',
  'deg',
  'rad',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'cos',
  'cosh',
  'sin',
  'sinh',
  'tan',
  'tanh',
  'timestamp',
  'sort',
  'sort_desc',
  'absent',
  'histogram_count',
  'histogram_sum',
  'histogram_avg',
  'histogram_stddev',
  'histogram_stdvar',
];
const OVER_RANGE = [
  'absent_over_time',
  'present_over_time',
  'avg_over_time',
  'count_over_time',
  'last_over_time',
  'first_over_time',
  'max_over_time',
  'min_over_time',
  'sum_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'mad_over_time',
  'ts_of_first_over_time',
  'ts_of_last_over_time',
  'ts_of_max_over_time',
  'ts_of_min_over_time',
  'changes',
  'resets',
  'delta',
  'deriv',
  'idelta',
  'increase',
  'irate',
  'rate',
];
const DATE = [
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'hour',
  'minute',
  'month',
  'year',
];

/** FUNCTIONS is every PromQL function Vigie evaluates, with its argument and return types. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...SIMPLE.map((n): [string, FunctionSignature] => [n, v(['vector'])]),
  ...OVER_RANGE.map((n): [string, FunctionSignature] => [n, v(['matrix'])]),
  ...DATE.map((n): [string, FunctionSignature] => [n, v(['vector'], 'vector', 1)]),
  ['quantile_over_time', v(['scalar', 'matrix'])],
  ['predict_linear', v(['matrix', 'scalar'])],
  ['double_exponential_smoothing', v(['matrix', 'scalar', 'scalar'])],
  ['clamp', v(['vector', 'scalar', 'scalar'])],
  ['clamp_max', v(['vector', 'scalar'])],
  ['clamp_min', v(['vector', 'scalar'])],
  ['round', v(['vector', 'scalar'], 'vector', 1)],
  ['histogram_quantile', v(['scalar', 'vector'])],
  ['histogram_fraction', v(['scalar', 'scalar', 'vector'])],
  ['histogram_quantiles', v(['vector', 'string', 'scalar'], 'vector', -1)],
  ['label_replace', v(['vector', 'string', 'string', 'string', 'string'])],
  ['label_join', v(['vector', 'string', 'string', 'string'], 'vector', -1)],
  ['sort_by_label', v(['vector', 'string'], 'vector', -1)],
  ['sort_by_label_desc', v(['vector', 'string'], 'vector', -1)],
  ['scalar', v(['vector'], 'scalar')],
  ['vector', v(['scalar'])],
  ['time', v([], 'scalar')],
  ['pi', v([], 'scalar')],
]);

/** typeName is how Prometheus names a value type in error messages. */
export function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}
