import { createContext, useContext, type ParentProps } from 'solid-js';
import type { ConsoleRuntime } from './console-runtime';

const RuntimeContext = createContext<ConsoleRuntime>();

export function RuntimeProvider(props: ParentProps<{ runtime: ConsoleRuntime }>) {
  return <RuntimeContext.Provider value={props.runtime}>{props.children}</RuntimeContext.Provider>;
}

export function useRuntime(): ConsoleRuntime {
  const runtime = useContext(RuntimeContext);
  if (!runtime) throw new Error('useRuntime() outside <RuntimeProvider>');
  return runtime;
}
