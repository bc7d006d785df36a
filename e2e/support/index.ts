export * from './browser';
export * from './h5Build';
export * from './host';
export * from './ui';
