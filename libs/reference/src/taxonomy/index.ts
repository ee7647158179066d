export * from './sectors';
export * from './crosswalk';
