import { graphql, type ResultOf } from '../graphql';

// The dashboard's live snapshot, the channels to filter by and taking a chat from the list.

export const ChannelsQuery = graphql(`
  query Channels {
    channels {
      id
      name
    }
  }
`);

export const DashboardSubscription = graphql(`
  subscription Dashboard($channelIds: [ID!], $timeZone: String) {
    dashboardEvents(channelIds: $channelIds, timeZone: $timeZone) {
      stats {
        waiting
        longestWaitSeconds
        agentsPresent
        activeSessions
        chatsToday
        averageWaitSeconds
        averageTimeToAcceptSeconds
        missedToday
        averageRating
        ratingsToday
      }
      incoming {
        position
        waitSeconds
        session {
          id
          requestedAt
          channel {
            id
            name
          }
          visitor {
            id
            name
            email
            company
          }
          messages(last: 1) {
            messages {
              body
            }
          }
        }
      }
      ongoing {
        id
        startedAt
        lastMessageAt
        lastMessageAuthor
        channel {
          id
          name
        }
        visitor {
          id
          name
          email
        }
        agent {
          id
          displayName
        }
      }
    }
  }
`);

export const AcceptChatMutation = graphql(`
  mutation AcceptChat($sessionId: ID!) {
    acceptChat(sessionId: $sessionId) {
      id
      status
    }
  }
`);

export type DashboardSnapshot = ResultOf<typeof DashboardSubscription>['dashboardEvents'];
