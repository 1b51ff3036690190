export default function ErrorCostsScreen() {
  return <h1>Error costs</h1>;
}
