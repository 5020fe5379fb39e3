import { graphql, type ResultOf } from '../../graphql';

export const ChannelMemberFields = graphql(`
  fragment ChannelMemberFields on ChannelMember {
    agent {
      id
      name
      email
      active
      presence
    }
    canRespond
    getsNotifications
    canListenIn
    isManager
  }
`);

export const ChannelSettingsFields = graphql(`
  fragment ChannelSettingsFields on Channel {
    id
    name
    language
    badgeHeader
    description
    timeZone
    openingHoursEnabled
    openingHours {
      weekday
      opensAt
      closesAt
      breakStartsAt
      breakEndsAt
    }
    warnAgentsAfterMinutes
    warnManagersAfterMinutes
    widgetTheme
    widgetColor
    widgetFont
    widgetLogoUrl
    showAgentPhoto
    widgetHeader
    welcomeMessage
    queueMessage
    prechatEnabled
    prechatRequiredFields
    faqSuggestionsEnabled
    faqFolder {
      id
    }
    offlineHeader
    offlineMessage
    offlineCreatesRequest
    offlineRequiredFields
    offlineAfterWaitMinutes
    offlineAfterQueueLength
    postchatEnabled
    postchatRating
    postchatTranscript
    archivedAt
    updatedAt
  }
`);

export const ChannelsAdminQuery = graphql(`
  query ChannelsAdmin {
    channels(includeArchived: true) {
      id
      name
      description
      language
      openingHoursEnabled
      archivedAt
      members {
        canRespond
        agent {
          id
          presence
          active
        }
      }
    }
  }
`);

export const ChannelAdminQuery = graphql(
  `
    query ChannelAdmin($id: ID!) {
      channel(id: $id) {
        ...ChannelSettingsFields
        embedSnippet
        demoPageUrl
        members {
          ...ChannelMemberFields
        }
      }
      faqFolders {
        id
        name
        parent {
          id
        }
      }
      agents {
        id
        name
        email
        active
      }
    }
  `,
  [ChannelSettingsFields, ChannelMemberFields],
);

export const NewChannelOptionsQuery = graphql(`
  query NewChannelOptions {
    faqFolders {
      id
      name
      parent {
        id
      }
    }
  }
`);

export const CreateChannelMutation = graphql(
  `
    mutation CreateChannel($input: CreateChannelInput!) {
      createChannel(input: $input) {
        ...ChannelSettingsFields
      }
    }
  `,
  [ChannelSettingsFields],
);

export const UpdateChannelMutation = graphql(
  `
    mutation UpdateChannel($id: ID!, $input: UpdateChannelInput!) {
      updateChannel(id: $id, input: $input) {
        ...ChannelSettingsFields
      }
    }
  `,
  [ChannelSettingsFields],
);

export const ArchiveChannelMutation = graphql(`
  mutation ArchiveChannel($id: ID!, $archived: Boolean!) {
    archiveChannel(id: $id, archived: $archived) {
      id
      archivedAt
    }
  }
`);

export const DeleteChannelMutation = graphql(`
  mutation DeleteChannel($id: ID!) {
    deleteChannel(id: $id)
  }
`);

export const SetChannelMemberMutation = graphql(
  `
    mutation SetChannelMember($channelId: ID!, $agentId: ID!, $flags: ChannelMemberInput) {
      setChannelMember(channelId: $channelId, agentId: $agentId, flags: $flags) {
        ...ChannelMemberFields
      }
    }
  `,
  [ChannelMemberFields],
);

export const RemoveChannelMemberMutation = graphql(`
  mutation RemoveChannelMember($channelId: ID!, $agentId: ID!) {
    removeChannelMember(channelId: $channelId, agentId: $agentId) {
      id
    }
  }
`);

export type ChannelRow = ResultOf<typeof ChannelsAdminQuery>['channels'][number];
export type ChannelSettings = ResultOf<typeof ChannelSettingsFields>;
export type ChannelMember = ResultOf<typeof ChannelMemberFields>;
export type FaqFolderOption = ResultOf<typeof NewChannelOptionsQuery>['faqFolders'][number];

export const IdentityVerificationQuery = graphql(`
  query ChannelIdentityVerificationAdmin($channelId: ID!) {
    channelIdentityVerification(channelId: $channelId) {
      enabled
      secretChangedAt
    }
  }
`);

export const IdentitySecretQuery = graphql(`
  query ChannelIdentitySecretAdmin($channelId: ID!) {
    channelIdentitySecret(channelId: $channelId) {
      secret
      changedAt
    }
  }
`);

export const IdentityRotateMutation = graphql(`
  mutation RotateChannelIdentitySecret($channelId: ID!) {
    rotateChannelIdentitySecret(channelId: $channelId) {
      secret
      changedAt
    }
  }
`);

export const IdentityDisableMutation = graphql(`
  mutation DisableChannelIdentityVerification($channelId: ID!) {
    disableChannelIdentityVerification(channelId: $channelId) {
      enabled
      secretChangedAt
    }
  }
`);
