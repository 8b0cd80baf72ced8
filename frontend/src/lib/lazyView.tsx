/** Views whose code loads on first visit, shown without a Suspense boundary. */
import { useEffect, useState, type ComponentType } from 'react';
import { Loading } from '../components/Notice';

/**
 * Like `React.lazy`, but the loading notice is ordinary state instead of a Suspense fallback:
 * React holds a Suspense boundary's content back until 300 ms after its fallback appeared
 * ("fallback throttling"), which every first visit of a lazily loaded view would pay.
 */
export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return function LazyView(props: P) {
    // Only a re-render trigger: the view itself lives in `loaded` (a component passed to useState
    // would be called as its initialiser).
    const [, setReady] = useState(false);
    const [failure, setFailure] = useState<Error | null>(null);
    useEffect(() => {
      if (loaded) return;
      pending ??= load();
      pending.then(
        (view) => {
          loaded = view;
          setReady(true);
        },
        (e: unknown) => {
          pending = undefined;
          setFailure(e instanceof Error ? e : new Error('view failed to load'));
        },
      );
    }, []);
    // A failed chunk (e.g. after a deployment) goes to the nearest error boundary, as with React.lazy.
    if (failure) throw failure;
    if (!loaded) return <Loading />;
    const View = loaded;
    return <View {...props} />;
  };
}
