"""The GraphQL API: one schema for the admin UI, door displays and developers."""
