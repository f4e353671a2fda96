/** The example operations GraphiQL opens with. */
export const GRAPHIQL_EXAMPLES = `# Welcome to the volunteer service API.
# Press ▶ and pick an operation. The Docs pane (top left) is the manual.

query Sites {
  sites(first: 5) {
    totalCount
    edges {
      node {
        id
        name
        level
        children(first: 3) { totalCount edges { node { name level } } }
      }
    }
  }
}
`;
