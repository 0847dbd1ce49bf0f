// Run by the Job mongodb-init against mongodb-0 as root: makes the replica set rs0 of three
// members (once), then the office's user, the gateway's and the backup user (again on every run, so a
// changed password in the Secret eoffice-mongodb is taken up by running the Job again).
const members = [0, 1, 2].map((i) => ({
  _id: i,
  host: `mongodb-${i}.mongodb-headless:27017`,
  priority: i === 0 ? 2 : 1,
}));
try {
  rs.status();
} catch (e) {
  rs.initiate({ _id: "rs0", members });
}
while (!db.hello().isWritablePrimary) {
  sleep(1000);
}
const admin = db.getSiblingDB("admin");
function ensure(user, pwd, roles) {
  if (admin.getUser(user)) {
    admin.updateUser(user, { pwd, roles });
  } else {
    admin.createUser({ user, pwd, roles });
  }
}
const services = ["identity", "files", "signing", "notify", "reports", "leave"];
ensure(
  "eoffice",
  process.env.MONGODB_APP_PASSWORD,
  services.map((s) => ({ role: "readWrite", db: `eoffice_${s}` })),
);
// The gateway's rate limits: the `limits` library keeps them in its database "limits" (its
// default name; the gateway gives no other), and that is all this user may touch.
ensure("eoffice-gateway", process.env.MONGODB_GATEWAY_PASSWORD, [
  { role: "readWrite", db: "limits" },
]);
ensure("backup", process.env.MONGODB_BACKUP_PASSWORD, [{ role: "backup", db: "admin" }]);
