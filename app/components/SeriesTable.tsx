// The chart's numbers as a table, for screen readers (the chart itself is an image to them).
export function SeriesTable({ caption, rows, columns }: { caption: string; rows: { key: string; values: number[] }[]; columns: string[] }) {
  return (
    <table className="Polaris-Text--visuallyHidden">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.key}</th>
            {r.values.map((v, i) => (
              <td key={i}>{v}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
