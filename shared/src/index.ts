export * from './errors';
export * from './common';
export * from './auth';
export * from './customers';
export * from './staff';
export * from './platform';
export * from './sandbox';
