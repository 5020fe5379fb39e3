/**
 * System messages that stay among agents: the server keeps them out of the visitor's feed
 * (api/src/modules/chats/chat-dto.ts holds its own copy), and the console marks them internal.
 * REQUEST_CREATED: the agent sends the visitor the number.
 */
export const AGENT_ONLY_SYSTEM_TYPES: ReadonlySet<string> = new Set(['TRANSFER_REJECTED', 'REQUEST_CREATED']);
