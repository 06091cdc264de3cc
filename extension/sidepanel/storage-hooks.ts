import { useEffect, useState } from "react";
import type { WxtStorageItem } from "wxt/utils/storage";

/** The current value of a storage item, kept live; undefined until first read. */
export function useStoredValue<T>(item: WxtStorageItem<T, Record<string, unknown>>): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    let live = true;
    void item.getValue().then((first) => {
      if (live) setValue(first);
    });
    const unwatch = item.watch((next) => setValue(next ?? item.fallback));
    return () => {
      live = false;
      unwatch();
    };
  }, [item]);
  return value;
}

/** navigator.onLine, kept live: the panel says so before a request fails. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener("online", update);
    addEventListener("offline", update);
    return () => {
      removeEventListener("online", update);
      removeEventListener("offline", update);
    };
  }, []);
  return online;
}
