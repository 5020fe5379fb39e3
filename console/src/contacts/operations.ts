import { graphql, type ResultOf } from '../graphql';

// The contact panel's queries and mutations, and the types read from them.

export const SuggestionsQuery = graphql(`
  query ContactSuggestions($sessionId: ID!) {
    contactSuggestions(sessionId: $sessionId, first: 5) {
      matchedBy
      score
      contact {
        id
        name
        email
        phone
        company {
          id
          name
        }
      }
    }
  }
`);

export const SearchContactsQuery = graphql(`
  query SearchContacts($search: String!) {
    contacts(search: $search, first: 8) {
      edges {
        node {
          id
          name
          email
          phone
          company {
            id
            name
          }
        }
      }
    }
  }
`);

export const ContactDetailsQuery = graphql(`
  query ContactDetails($id: ID!) {
    contact(id: $id) {
      id
      name
      firstName
      lastName
      email
      phone
      title
      country
      company {
        id
        name
        domain
        phone
      }
      requests(first: 10) {
        totalCount
        edges {
          node {
            id
            displayNumber
            title
            status
            priority
            createdAt
          }
        }
      }
      sales(first: 10) {
        totalCount
        edges {
          node {
            id
            title
            amount
            currency
            stage
            date
          }
        }
      }
      followUps(first: 10) {
        totalCount
        edges {
          node {
            id
            title
            dueAt
            done
          }
        }
      }
      chatSessions(first: 10) {
        totalCount
        edges {
          node {
            id
            requestedAt
            status
            channel {
              id
              name
            }
          }
        }
      }
    }
  }
`);

export const LinkContactMutation = graphql(`
  mutation LinkChatToContact($sessionId: ID!, $contactId: ID) {
    linkChatToContact(sessionId: $sessionId, contactId: $contactId) {
      id
      contact {
        id
        name
      }
    }
  }
`);

export const CreateContactFromChatMutation = graphql(`
  mutation CreateContactFromChat($sessionId: ID!, $input: CreateContactFromChatInput) {
    createContactFromChat(sessionId: $sessionId, input: $input) {
      contact {
        id
        name
      }
      company {
        id
        name
      }
    }
  }
`);

export const CreateFollowUpMutation = graphql(`
  mutation CreateFollowUp($input: CreateFollowUpInput!) {
    createFollowUp(input: $input) {
      id
    }
  }
`);

export const CreateSaleMutation = graphql(`
  mutation CreateSale($input: CreateSaleInput!) {
    createSale(input: $input) {
      id
    }
  }
`);

export type ContactDetails = ResultOf<typeof ContactDetailsQuery>['contact'];
export type ContactSummary = ResultOf<typeof SearchContactsQuery>['contacts']['edges'][number]['node'];
