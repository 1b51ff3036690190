import { useParams } from 'react-router';
import type { Viewer } from '../session/viewer.query.js';

export default function CustomerPageScreen(_props: { viewer: Viewer }) {
  const { id } = useParams();
  return <h1>Customer {id}</h1>;
}
