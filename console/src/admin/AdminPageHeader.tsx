import type { JSX, ParentProps } from 'solid-js';

/** The heading of an admin page: its title, what it is for, and its main action (the children, e.g. a "New …" button). */
export function AdminPageHeader(props: ParentProps<{ title: JSX.Element; intro: JSX.Element }>) {
  return (
    <header class="admin-page-header">
      <div>
        <h2>{props.title}</h2>
        <p class="muted">{props.intro}</p>
      </div>
      {props.children}
    </header>
  );
}
