export function NotificationCenter() {
  return null;
}
