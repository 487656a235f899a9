// Polaris Viz, loaded in the browser only (it measures its container and
// animates with react-spring; the server render shows a same-size placeholder).
// Its SVG markup fails axe (roles without their required children, unlabelled
// points), so it is hidden from assistive technology and made inert; the same
// numbers are in the visually hidden table next to it (SeriesTable).
import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

export interface Series {
  name: string;
  data: { key: string; value: number }[];
}

export default function TimeSeriesChart({ series }: { series: Series[] }) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 280 }} aria-hidden="true" ref={(el) => el?.setAttribute("inert", "")}>
        {/* Bars: a day's count is a whole number; a smoothed line would draw values between days that never happened. */}
        <BarChart data={series} theme="Light" isAnimated={false} showLegend />
      </div>
    </PolarisVizProvider>
  );
}
