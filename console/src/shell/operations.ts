import { graphql, type ResultOf } from '../graphql';

// The shell's queries and mutations (presence, notifications, the queue, signing out, answers to a
// transfer offered to this agent), and the types read from them.

export const AcceptTransferMutation = graphql(`
  mutation AcceptTransfer($transferId: ID!) {
    acceptTransfer(transferId: $transferId) {
      id
      status
    }
  }
`);

export const RejectTransferMutation = graphql(`
  mutation RejectTransfer($transferId: ID!) {
    rejectTransfer(transferId: $transferId) {
      id
      status
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export const SetPresenceMutation = graphql(`
  mutation SetPresence($presence: Presence!) {
    setPresence(presence: $presence) {
      id
      presence
    }
  }
`);

export const UpdateNotificationsMutation = graphql(`
  mutation UpdateNotificationSettings($id: ID!, $input: UpdateAgentInput!) {
    updateAgent(id: $id, input: $input) {
      id
      notifyBrowser
      notifySound
      notifyManagerWarnings
    }
  }
`);

export const QueueQuery = graphql(`
  query NotificationQueue {
    queue {
      waitSeconds
      session {
        id
        channel {
          id
          name
        }
        visitor {
          id
          name
          email
        }
        messages(last: 1) {
          messages {
            body
          }
        }
      }
    }
  }
`);

export type QueuedChat = ResultOf<typeof QueueQuery>['queue'][number];
