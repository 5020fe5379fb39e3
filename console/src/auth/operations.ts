import { graphql } from '../graphql';

// Signing in.

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      agent {
        id
        name
      }
    }
  }
`);
