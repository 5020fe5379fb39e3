import { Dialog } from '../ui/Dialog';

/** Asks before ending the chat: the visitor is told and can rate it. */
export function EndChatDialog(props: { visitorName: string; busy: boolean; onClose(): void; onEnd(): void }) {
  return (
    <Dialog
      title="End this chat?"
      description={`${props.visitorName} sees that the chat has ended and can rate it.`}
      size="small"
      role="alertdialog"
      onClose={() => props.onClose()}
      footer={
        <>
          <button type="button" class="button" onClick={() => props.onClose()}>
            Keep chatting
          </button>
          <button type="button" class="button button-danger" disabled={props.busy} onClick={() => props.onEnd()}>
            End chat
          </button>
        </>
      }
    >
      <p>The conversation stays in your list for 8 hours.</p>
    </Dialog>
  );
}
