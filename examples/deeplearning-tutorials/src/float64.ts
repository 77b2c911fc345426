// Test helper: the enclosing describe block runs with floatX = float64 (the tutorials' tight checks), restored after.
import * as sym from '@sym/graph';
import { afterAll, beforeAll } from 'vitest';

export function useFloat64(): void {
  let floatX: sym.FloatDType;
  beforeAll(() => {
    floatX = sym.config.floatX;
    sym.config.floatX = 'float64';
  });
  afterAll(() => {
    sym.config.floatX = floatX;
  });
}
