/**
 * Typed errors of the plotting helpers.
 * @module plot/errors
 */

/** Stable codes of {@link PlotError}. */
export type PlotErrorCode = "ERR_PLOT_TITLE" | "ERR_PLOT_AXIS_TITLE" | "ERR_PLOT_BUNDLE";

/**
 * A figure that breaks the project's plotting rules, or a missing plotly bundle.
 *
 * @example
 * try { validateFigure({ data: [] }); } catch (e) { (e as PlotError).code; } // => "ERR_PLOT_TITLE"
 */
export class PlotError extends Error {
  readonly code: PlotErrorCode;
  constructor(code: PlotErrorCode, message: string) {
    super(message);
    this.name = "PlotError";
    this.code = code;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
