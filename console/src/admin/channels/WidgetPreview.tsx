import { Show } from 'solid-js';
import type { ChannelForm } from './channel-form';

export function WidgetPreview(props: { form: ChannelForm }) {
  const dark = () => props.form.widgetTheme === 'DARK';
  const color = () => (/^#[0-9a-f]{6}$/i.test(props.form.widgetColor) ? props.form.widgetColor : '#2563eb');
  const font = () => (/^[A-Za-z0-9 ,'"._-]+$/.test(props.form.widgetFont) ? props.form.widgetFont : 'system-ui, sans-serif');
  return (
    <figure class="widget-preview" aria-label="Widget preview" classList={{ 'is-dark': dark() }} style={{ 'font-family': font() }}>
      <div class="widget-preview-window">
        <div class="widget-preview-header" style={{ background: color() }}>
          <Show when={/^https?:\/\//i.test(props.form.widgetLogoUrl.trim())}>
            <img src={props.form.widgetLogoUrl.trim()} alt="" width="24" height="24" />
          </Show>
          <span>{props.form.widgetHeader || 'Chat'}</span>
        </div>
        <div class="widget-preview-body">
          <p class="widget-preview-bubble is-agent">{props.form.welcomeMessage || '…'}</p>
          <p class="widget-preview-bubble is-visitor" style={{ background: color() }}>
            Hi, I have a question.
          </p>
          <p class="widget-preview-queue">{props.form.queueMessage.replaceAll('{queuePosition}', '2').replaceAll('{averageWait}', '00:03')}</p>
        </div>
      </div>
      <div class="widget-preview-launcher" style={{ background: color() }}>
        <strong>{props.form.badgeHeader || 'Chat with us'}</strong>
        <Show when={props.form.description}>
          <span>{props.form.description}</span>
        </Show>
      </div>
      <figcaption class="muted small">Preview</figcaption>
    </figure>
  );
}
