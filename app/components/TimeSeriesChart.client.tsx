// Polaris Viz, loaded in the browser only (it measures its container and
// animates with react-spring; the server render shows a same-size placeholder).
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";

export interface Series {
  name: string;
  data: { key: string; value: number }[];
}

export default function TimeSeriesChart({ series, label }: { series: Series[]; label: string }) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 280 }} role="img" aria-label={label}>
        <LineChart data={series} theme="Light" isAnimated={false} showLegend />
      </div>
    </PolarisVizProvider>
  );
}
