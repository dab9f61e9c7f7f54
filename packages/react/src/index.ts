export { useSubscribable } from './use-subscribable.js';
export type { ExternalStore } from './use-subscribable.js';
