/** The CreatorOps mark with a heading: the sign-in screen and the settings page. */
export function Brand({ title }: { title: string }) {
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">
        C
      </span>
      <h1>{title}</h1>
    </div>
  );
}
