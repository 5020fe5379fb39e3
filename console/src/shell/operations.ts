import { graphql } from '../graphql';

// Answers to a transfer offered to this agent, from the offer card or the open conversation.

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
