/**
 * Around a lazily loaded view (results with charts): while it loads, a line says so; if its file cannot be loaded
 * (the app was updated since the page opened, or the network dropped), the view says so and offers a reload instead
 * of the whole workbench going blank.
 */
import { Component, Suspense, type ReactNode } from 'react';

interface State {
  failed: boolean;
}

class LoadErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <p className="field-error" role="alert" data-testid="lazy-load-failed">
        这部分页面加载失败（可能刚刚更新过版本）。{' '}
        <button type="button" className="link-button" onClick={() => window.location.reload()}>
          刷新页面 Reload
        </button>
      </p>
    );
  }
}

export function LazyView({ children }: { children: ReactNode }) {
  return (
    <LoadErrorBoundary>
      <Suspense fallback={<p className="muted">加载图表… Loading chart</p>}>{children}</Suspense>
    </LoadErrorBoundary>
  );
}
