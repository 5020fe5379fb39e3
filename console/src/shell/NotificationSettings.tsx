export function NotificationSettings() {
  return null;
}
