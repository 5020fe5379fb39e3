import { graphql } from '../graphql';

// The Insert menu's documents: the library, search, and using templates, FAQ entries and quick replies.

export const TemplateItemFields = graphql(`
  fragment TemplateItemFields on ReplyTemplate {
    id
    name
    body
    isFavourite
    folder {
      id
    }
  }
`);

export const FaqItemFields = graphql(`
  fragment FaqItemFields on FaqEntry {
    id
    question
    answer
    pageUrl
    folder {
      id
    }
  }
`);

export const InsertLibraryQuery = graphql(
  `
    query InsertLibrary {
      favouriteReplyTemplates {
        ...TemplateItemFields
      }
      recentReplyTemplates(limit: 5) {
        ...TemplateItemFields
      }
      replyTemplates(first: 100) {
        edges {
          node {
            ...TemplateItemFields
          }
        }
      }
      replyTemplateFolders {
        id
        name
        parent {
          id
        }
      }
      faqEntries(first: 100, published: true) {
        edges {
          node {
            ...FaqItemFields
          }
        }
      }
      faqFolders {
        id
        name
        parent {
          id
        }
      }
      myQuickReplies {
        id
        name
        content
      }
    }
  `,
  [TemplateItemFields, FaqItemFields],
);

export const InsertSearchQuery = graphql(
  `
    query InsertSearch($query: String!) {
      searchReplyTemplates(query: $query, limit: 20) {
        ...TemplateItemFields
      }
      searchFaqEntries(query: $query, published: true, limit: 20) {
        ...FaqItemFields
      }
      myQuickReplies(search: $query, limit: 20) {
        id
        name
        content
      }
    }
  `,
  [TemplateItemFields, FaqItemFields],
);

export const UseReplyTemplateMutation = graphql(`
  mutation UseReplyTemplate($id: ID!, $sessionId: ID!) {
    useReplyTemplate(id: $id, sessionId: $sessionId) {
      text
      unresolvedVariables
    }
  }
`);

export const SetFavouriteMutation = graphql(`
  mutation SetReplyTemplateFavourite($id: ID!, $favourite: Boolean!) {
    setReplyTemplateFavourite(id: $id, favourite: $favourite) {
      id
      isFavourite
    }
  }
`);

export const SendFaqMutation = graphql(`
  mutation SendFaq($sessionId: ID!, $faqId: ID!, $asLink: Boolean) {
    sendFaq(sessionId: $sessionId, faqId: $faqId, asLink: $asLink) {
      id
    }
  }
`);

export const CreateQuickReplyMutation = graphql(`
  mutation CreateQuickReply($input: CreateQuickReplyInput!) {
    createQuickReply(input: $input) {
      id
      name
      content
    }
  }
`);

export const UpdateQuickReplyMutation = graphql(`
  mutation UpdateQuickReply($id: ID!, $input: UpdateQuickReplyInput!) {
    updateQuickReply(id: $id, input: $input) {
      id
      name
      content
    }
  }
`);

export const DeleteQuickReplyMutation = graphql(`
  mutation DeleteQuickReply($id: ID!) {
    deleteQuickReply(id: $id)
  }
`);
