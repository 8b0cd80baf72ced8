/**
 * The GraphiQL page served at GET /graphql: its own Vite entry (graphiql.html), so the app's
 * first load does not carry it and the page needs no script from another origin.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './graphiql.css';
import { keepEditorsNamed } from './a11y';
import { createFetcher } from './fetcher';

const root = document.getElementById('graphiql');
if (!root) throw new Error('#graphiql missing');

const fetcher = createFetcher(window.location);
keepEditorsNamed(root);

createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={'# teilhabe GraphQL API\n{\n  me {\n    id\n  }\n}\n'} />
  </StrictMode>,
);
