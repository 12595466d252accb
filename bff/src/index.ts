export { startBff, createDeps, type RunningBff } from './server';
export { createApp, allRoutes, type StaticApps } from './app';
