import { Show } from 'solid-js';
import { InsertMenu } from '../insert/InsertMenu';
import { Composer } from './Composer';
import type { ConversationMode } from './conversation-state';

/** The composer with its Insert menu while this agent handles the chat; otherwise why there is none. */
export function ConversationReplyArea(props: {
  mode: ConversationMode;
  sessionId: string;
  /** Who handles the chat now, for the read-only note. */
  agentName: string | undefined;
  visitorName: string;
  draft: string;
  insertOpen: boolean;
  onInsertOpenChange(open: boolean): void;
  onInput(value: string): void;
  onSend(): void;
  onFiles(files: File[]): void;
  onInsertText(text: string): void;
  focusInput(): void;
  inputRef(el: HTMLTextAreaElement): void;
}) {
  return (
    <Show
      when={props.mode === 'handling'}
      fallback={
        <p class="composer-disabled muted">
          {props.mode === 'ended'
            ? 'This chat has ended. You can still create a request or link a contact.'
            : props.mode === 'listening'
              ? 'You are listening in. The agent and the visitor are not told.'
              : props.mode === 'transferred'
                ? `This chat is now handled by ${props.agentName ?? 'another agent'}. You can follow it read-only.`
                : props.mode === 'offered'
                  ? 'Accept the transfer to reply.'
                  : 'Answer the chat to reply.'}
        </p>
      }
    >
      <div class="composer-wrap">
        <Show when={props.insertOpen}>
          <InsertMenu
            sessionId={props.sessionId}
            onInsertText={props.onInsertText}
            onSent={() => props.onInsertOpenChange(false)}
            onClose={() => {
              props.onInsertOpenChange(false);
              queueMicrotask(props.focusInput);
            }}
          />
        </Show>
        <Composer
          value={props.draft}
          onInput={props.onInput}
          onSend={props.onSend}
          onFiles={props.onFiles}
          onOpenInsert={() => props.onInsertOpenChange(!props.insertOpen)}
          insertOpen={props.insertOpen}
          visitorName={props.visitorName}
          ref={props.inputRef}
        />
      </div>
    </Show>
  );
}
