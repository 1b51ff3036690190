export default function CostPoliciesScreen() {
  return <h1>Cost policies</h1>;
}
