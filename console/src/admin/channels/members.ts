// A channel's members as the members panel edits them: the four flags and who holds them.

export interface MemberFlags {
  canRespond: boolean;
  getsNotifications: boolean;
  canListenIn: boolean;
  isManager: boolean;
}

export interface MemberRow extends MemberFlags {
  agent: { id: string; name: string; email?: string; active: boolean; presence?: string };
}

export interface AgentOption {
  id: string;
  name: string;
  email?: string;
  active: boolean;
}

export const MEMBER_FLAGS: { key: keyof MemberFlags; label: string; description: string }[] = [
  { key: 'canRespond', label: 'Can respond', description: 'Takes chats from the queue and receives transfers.' },
  { key: 'getsNotifications', label: 'Notifications', description: 'A browser notification and a sound for each new chat.' },
  { key: 'canListenIn', label: 'Can listen in', description: 'May open other agents’ chats read-only.' },
  { key: 'isManager', label: 'Manager', description: 'May take over chats and is warned when a chat waits too long.' },
];

export const NEW_MEMBER_FLAGS: MemberFlags = { canRespond: true, getsNotifications: true, canListenIn: false, isManager: false };
