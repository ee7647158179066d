// Loads the HiGHS WebAssembly runtime once per process; solves are synchronous afterwards.
import loadHighs from 'highs';
import type { Highs } from 'highs';

let loading: Promise<Highs> | undefined;

export function loadHighsSolver(): Promise<Highs> {
  loading ??= loadHighs();
  return loading;
}
