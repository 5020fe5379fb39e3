import { Match, Switch, type Accessor, type JSX, type Resource } from 'solid-js';
import { LoadFailed } from './dialogs';

/**
 * What an admin page shows for something it loads: "Could not load …" with a retry, the content
 * once loaded (also while it reloads), or, on the first load, `loadingText` when given.
 */
export function ResourceView<T>(props: {
  resource: Resource<T>;
  /** For the error: "the agents". */
  what: string;
  onRetry(): void;
  loadingText?: string;
  children: (data: Accessor<NonNullable<T>>) => JSX.Element;
}) {
  return (
    <Switch>
      <Match when={props.resource.error}>
        <LoadFailed what={props.what} error={props.resource.error} onRetry={props.onRetry} />
      </Match>
      <Match when={props.resource()}>{(data) => props.children(data)}</Match>
      <Match when={props.loadingText && props.resource.loading}>
        <p class="muted" role="status">
          {props.loadingText}
        </p>
      </Match>
    </Switch>
  );
}
