// Shared shapes of the fast CEL compiler (cel-compile.ts and its operator/call parts).
import type { ASTNode } from '@marcbachmann/cel-js';
import type { FastType, ObjectFastType } from './cel-fast-types.js';
import type { Fn } from './cel-fast-runtime.js';

/** A compiled sub-expression: its static type, its closure and, for literals, its value. */
export interface Compiled { type: FastType; fn: Fn; constant?: { value: unknown } }

/** What a closure reads an iteration variable from (set by its macro's loop before each step). */
export interface Cell { value: unknown }

/** Compile-time scope: root variables by name, and the iteration variables in scope. */
export interface Scope {
  roots: Readonly<Record<string, ObjectFastType>>;
  locals: ReadonlyMap<string, { type: FastType; cell: Cell }>;
}

export type Node = ASTNode;
export type CompileFn = (node: Node, scope: Scope) => Compiled;

/** Thrown at compile time for a construct outside the subset (never at evaluation time). */
export class Unsupported extends Error {
  constructor(what: string) { super(`not in the fast CEL subset: ${what}`); this.name = 'Unsupported'; }
}
