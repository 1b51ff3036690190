export * from './tracing.js';
export * from './tracing-sdk.js';
