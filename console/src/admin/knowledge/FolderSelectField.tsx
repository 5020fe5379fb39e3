import { For, type JSX } from 'solid-js';
import { Field } from '../forms';
import type { FolderOption } from './knowledge-admin';

/** The "Folder" select of an item editor; "" is no folder. */
export function FolderSelectField(props: { value: string; onChange(folderId: string): void; folders: FolderOption[]; error?: string; hint?: JSX.Element }) {
  return (
    <Field name="folderId" label="Folder" error={props.error} hint={props.hint}>
      {(control) => (
        <select {...control} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
          <option value="">No folder</option>
          <For each={props.folders}>
            {(option) => (
              <option value={option.id} selected={option.id === props.value}>
                {option.path}
              </option>
            )}
          </For>
        </select>
      )}
    </Field>
  );
}
