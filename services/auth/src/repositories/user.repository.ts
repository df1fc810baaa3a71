import type Database from 'better-sqlite3';

export interface UserRecord {
  id: string;
  email: string;
  password_hash: string;
}

/** Raised by {@link UserRepository.create} when the email belongs to someone already. */
export class EmailTaken extends Error {
  constructor() {
    super('email taken');
    this.name = 'EmailTaken';
  }
}

/** Users in SQLite; emails are stored normalized (trimmed, lower-case). */
export class UserRepository {
  private readonly insertStatement: Database.Statement<[string, string, string, string]>;
  private readonly byEmailStatement: Database.Statement<[string], UserRecord>;

  constructor(db: Database.Database) {
    this.insertStatement = db.prepare('INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)');
    this.byEmailStatement = db.prepare('SELECT id, email, password_hash FROM users WHERE email = ?');
  }

  create(user: UserRecord): void {
    try {
      this.insertStatement.run(user.id, user.email, user.password_hash, new Date().toISOString());
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new EmailTaken();
      throw error;
    }
  }

  findByEmail(email: string): UserRecord | undefined {
    return this.byEmailStatement.get(email);
  }
}
