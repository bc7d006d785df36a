/** The core in one import, for the mini-program and the server alike. Pure TypeScript, no I/O. */
export * from './settings';
export * from './errors';
export * from './time';
export * from './money';
export * from './context';
export * from './rules';
export * from './preview';
export * from './chain';
export * from './lifecycle';
export * from './classifier-data';
export * from './classifier';
export * from './suggestion';
export * from './stats';
