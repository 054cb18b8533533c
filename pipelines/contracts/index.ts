export * from './fields.ts';
export * from './events.ts';
export * from './brands.ts';
export * from './streams.ts';
