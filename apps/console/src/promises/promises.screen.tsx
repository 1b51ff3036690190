import type { Viewer } from '../session/viewer.query.js';

export default function PromisesScreen(_props: { viewer: Viewer }) {
  return <h1>Promises</h1>;
}
