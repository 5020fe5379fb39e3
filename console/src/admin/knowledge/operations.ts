import { graphql, type ResultOf } from '../../graphql';

// The knowledge admin pages' queries and mutations (FAQ entries, reply templates and their folders), and the types read from them.

export const FaqEntryFields = graphql(`
  fragment FaqEntryAdminFields on FaqEntry {
    id
    question
    answer
    published
    pageUrl
    folder {
      id
    }
  }
`);

export const FaqFoldersQuery = graphql(`
  query FaqFoldersAdmin {
    faqFolders {
      id
      name
      parent {
        id
      }
    }
  }
`);

export const FaqEntriesQuery = graphql(
  `
    query FaqEntriesAdmin($folderId: ID, $after: String) {
      faqEntries(folderId: $folderId, first: 50, after: $after) {
        edges {
          node {
            ...FaqEntryAdminFields
          }
        }
        pageInfo {
          endCursor
          hasNextPage
        }
      }
    }
  `,
  [FaqEntryFields],
);

export const FaqSearchQuery = graphql(
  `
    query SearchFaqAdmin($query: String!, $folderId: ID) {
      searchFaqEntries(query: $query, folderId: $folderId, limit: 50) {
        ...FaqEntryAdminFields
      }
    }
  `,
  [FaqEntryFields],
);

export const FaqCreateMutation = graphql(
  `
    mutation CreateFaqEntryAdmin($input: CreateFaqEntryInput!) {
      createFaqEntry(input: $input) {
        ...FaqEntryAdminFields
      }
    }
  `,
  [FaqEntryFields],
);

export const FaqUpdateMutation = graphql(
  `
    mutation UpdateFaqEntryAdmin($id: ID!, $input: UpdateFaqEntryInput!) {
      updateFaqEntry(id: $id, input: $input) {
        ...FaqEntryAdminFields
      }
    }
  `,
  [FaqEntryFields],
);

export const FaqMoveMutation = graphql(
  `
    mutation MoveFaqEntryAdmin($id: ID!, $folderId: ID) {
      moveFaqEntry(id: $id, folderId: $folderId) {
        ...FaqEntryAdminFields
      }
    }
  `,
  [FaqEntryFields],
);

export const FaqDeleteMutation = graphql(`
  mutation DeleteFaqEntryAdmin($id: ID!) {
    deleteFaqEntry(id: $id)
  }
`);

export const FaqCreateFolderMutation = graphql(`
  mutation CreateFaqFolderAdmin($input: CreateFaqFolderInput!) {
    createFaqFolder(input: $input) {
      id
    }
  }
`);

export const FaqRenameFolderMutation = graphql(`
  mutation RenameFaqFolderAdmin($id: ID!, $name: String!) {
    renameFaqFolder(id: $id, name: $name) {
      id
    }
  }
`);

export const FaqMoveFolderMutation = graphql(`
  mutation MoveFaqFolderAdmin($id: ID!, $parentId: ID) {
    moveFaqFolder(id: $id, parentId: $parentId) {
      id
    }
  }
`);

export const FaqDeleteFolderMutation = graphql(`
  mutation DeleteFaqFolderAdmin($id: ID!, $deleteContents: Boolean) {
    deleteFaqFolder(id: $id, deleteContents: $deleteContents) {
      folderIds
    }
  }
`);

export type FaqEntry = ResultOf<typeof FaqEntryFields>;

export const TemplateFields = graphql(`
  fragment TemplateAdminFields on ReplyTemplate {
    id
    name
    body
    variables
    useCount
    folder {
      id
    }
  }
`);

export const TemplateFoldersQuery = graphql(`
  query TemplateFoldersAdmin {
    replyTemplateFolders {
      id
      name
      parent {
        id
      }
    }
  }
`);

export const TemplatesQuery = graphql(
  `
    query TemplatesAdmin($folderId: ID, $after: String) {
      replyTemplates(folderId: $folderId, first: 50, after: $after) {
        edges {
          node {
            ...TemplateAdminFields
          }
        }
        pageInfo {
          endCursor
          hasNextPage
        }
      }
    }
  `,
  [TemplateFields],
);

export const TemplateSearchQuery = graphql(
  `
    query SearchTemplatesAdmin($query: String!, $folderId: ID) {
      searchReplyTemplates(query: $query, folderId: $folderId, limit: 50) {
        ...TemplateAdminFields
      }
    }
  `,
  [TemplateFields],
);

export const TemplateVariablesQuery = graphql(`
  query TemplateVariables {
    replyTemplateVariables {
      name
      placeholder
      description
    }
  }
`);

export const TemplateCreateMutation = graphql(
  `
    mutation CreateTemplateAdmin($input: CreateReplyTemplateInput!) {
      createReplyTemplate(input: $input) {
        ...TemplateAdminFields
      }
    }
  `,
  [TemplateFields],
);

export const TemplateUpdateMutation = graphql(
  `
    mutation UpdateTemplateAdmin($id: ID!, $input: UpdateReplyTemplateInput!) {
      updateReplyTemplate(id: $id, input: $input) {
        ...TemplateAdminFields
      }
    }
  `,
  [TemplateFields],
);

export const TemplateMoveMutation = graphql(
  `
    mutation MoveTemplateAdmin($id: ID!, $folderId: ID) {
      moveReplyTemplate(id: $id, folderId: $folderId) {
        ...TemplateAdminFields
      }
    }
  `,
  [TemplateFields],
);

export const TemplateDeleteMutation = graphql(`
  mutation DeleteTemplateAdmin($id: ID!) {
    deleteReplyTemplate(id: $id)
  }
`);

export const TemplateCreateFolderMutation = graphql(`
  mutation CreateTemplateFolderAdmin($input: CreateReplyTemplateFolderInput!) {
    createReplyTemplateFolder(input: $input) {
      id
    }
  }
`);

export const TemplateRenameFolderMutation = graphql(`
  mutation RenameTemplateFolderAdmin($id: ID!, $name: String!) {
    renameReplyTemplateFolder(id: $id, name: $name) {
      id
    }
  }
`);

export const TemplateMoveFolderMutation = graphql(`
  mutation MoveTemplateFolderAdmin($id: ID!, $parentId: ID) {
    moveReplyTemplateFolder(id: $id, parentId: $parentId) {
      id
    }
  }
`);

export const TemplateDeleteFolderMutation = graphql(`
  mutation DeleteTemplateFolderAdmin($id: ID!, $deleteContents: Boolean) {
    deleteReplyTemplateFolder(id: $id, deleteContents: $deleteContents) {
      folderIds
    }
  }
`);

export type Template = ResultOf<typeof TemplateFields>;
