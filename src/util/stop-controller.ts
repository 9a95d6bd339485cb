import { setMaxListeners } from 'node:events';

/**
 * The controller of a run's stop (Ctrl+C, SIGTERM). Every request in flight listens to its
 * signal, so it may have many listeners at once: Node's warning about more than 10 (a leak,
 * elsewhere) is turned off for it.
 */
export function stopController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
