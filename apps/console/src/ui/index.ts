export * from './controls';
export * from './data';
export * from './Layout';
export * from './paging';
