/** Calls `handler` on each SIGINT or SIGTERM until the returned function is called. */
export function onStopSignals(handler: () => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Resolves at the first SIGINT or SIGTERM. */
export function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const off = onStopSignals(() => {
      off();
      resolve();
    });
  });
}
